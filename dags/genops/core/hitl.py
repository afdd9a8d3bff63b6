"""The provider's human-in-the-loop ApprovalOperator where this Airflow has it (3.1+), else None.

On Airflow 2.11 the provider's module refuses to import (AirflowOptionalProviderFeatureException): approval gates
then stay automatic. Apart from genops.core.compat so that only a DAG that asks for approval imports it.
"""

from __future__ import annotations

from genops.core.compat import AirflowException

try:  # Airflow 3.1+
    from airflow.providers.standard.operators.hitl import ApprovalOperator
except (ImportError, AirflowException):  # Airflow 2.11
    ApprovalOperator = None

__all__ = ["ApprovalOperator"]
