"""One import surface for Airflow 3 (`airflow.sdk`) with a fallback for Airflow 2.11."""

from __future__ import annotations

try:  # Airflow 3
    from airflow.sdk import DAG, BaseOperator, BaseSensorOperator, Param, TaskGroup, chain, get_current_context, task
    from airflow.sdk.exceptions import (
        AirflowException,
        AirflowFailException,
        AirflowSensorTimeout,
        AirflowSkipException,
    )
except ImportError:  # Airflow 2.11
    from airflow.decorators import task
    from airflow.exceptions import AirflowException, AirflowFailException, AirflowSensorTimeout, AirflowSkipException
    from airflow.models.baseoperator import BaseOperator, chain
    from airflow.models.dag import DAG
    from airflow.models.param import Param
    from airflow.operators.python import get_current_context
    from airflow.sensors.base import BaseSensorOperator
    from airflow.utils.task_group import TaskGroup

try:  # Airflow 3
    from airflow.sdk import PokeReturnValue, TriggerRule
except ImportError:  # Airflow 2.11
    from airflow.sensors.base import PokeReturnValue
    from airflow.utils.trigger_rule import TriggerRule

__all__ = [
    "DAG",
    "AirflowException",
    "AirflowFailException",
    "AirflowSensorTimeout",
    "AirflowSkipException",
    "BaseOperator",
    "BaseSensorOperator",
    "Param",
    "PokeReturnValue",
    "TaskGroup",
    "TriggerRule",
    "chain",
    "get_current_context",
    "task",
]
