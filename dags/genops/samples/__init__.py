"""Shared code of the sample DAGs in dags/samples: where inputs and outputs live, structured answers, I/O.

Like the rest of `genops`, nothing here imports a Google SDK at module level. It may import every other
subpackage of genops; none of them, and no lab DAG, imports it.
"""
