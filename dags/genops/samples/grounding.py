"""grounded_gemini: questions grounded in Google Search and, when configured, in a Vertex AI Search data store."""

from __future__ import annotations

from genops.core import config
from genops.gemini.profiles import PROFILES_BY_NAME
from genops.samples.optional import OptionalSetting
from genops.samples.structured import SampleProfile

DATA_STORE = OptionalSetting(
    "GENOPS_SEARCH_DATA_STORE",
    r"projects/[^/\s]+/locations/[^/\s]+/collections/[^/\s]+/dataStores/[^/\s]+",
    form="a data store resource name projects/<project>/locations/<global|us|eu>/collections/<c>/dataStores/<id>",
    example="projects/my-project/locations/global/collections/default_collection/dataStores/my-docs",
    skips="the data store question (Terraform: genops_search_data_store)",
)

SEARCH_PROFILE = PROFILES_BY_NAME["grounded"]  # the lab's Google Search profile
SEARCH_QUESTION = "When is the next total solar eclipse visible from the United States, and where will it be seen?"

DATA_STORE_PROFILE = SampleProfile(
    "data_store",
    "GENOPS_FLASH_MODEL",
    temperature=0.0,
    system_instruction="You are a business analyst. Answer only from the retrieved documents and name them.",
    extra_config={"tools": [{"retrieval": {"vertex_ai_search": {"datastore": config.templated(DATA_STORE.name)}}}]},
)
DATA_STORE_QUESTION = "What are the main topics of the documents in this data store? Name the documents you used."
