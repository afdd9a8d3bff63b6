"""The deploy build's shared pieces (standard library only: they run in the Cloud SDK image).

gcloud.py   every call to the Google Cloud CLI (Storage objects, Composer environments, the caller's token)
release.py  the release marker dags/.genops_release.json and the sync's exclusions
lock.py     the deploy lock dags/.genops_deploy.lock (generation preconditions)
airflow.py  the Airflow REST API of an environment (v2 on Airflow 3, v1 on Airflow 2)
"""
