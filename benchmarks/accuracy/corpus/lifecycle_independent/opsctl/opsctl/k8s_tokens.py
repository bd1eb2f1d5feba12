from kubernetes import client, config

TEN_YEARS = 10 * 365 * 24 * 3600


def _core() -> client.CoreV1Api:
    config.load_kube_config()
    return client.CoreV1Api()


def request_token(namespace: str, service_account: str, seconds: int, audience: str) -> str:
    body = client.AuthenticationV1TokenRequest(
        spec=client.V1TokenRequestSpec(audiences=[audience], expiration_seconds=seconds)
    )
    status = _core().create_namespaced_service_account_token(service_account, namespace, body).status
    return status.token


def dashboard_token(namespace: str) -> str:
    return request_token(namespace, "dashboard-viewer", seconds=600, audience="https://kubernetes.default.svc")


def monitoring_token(namespace: str) -> str:
    return request_token(namespace, "prometheus-remote", seconds=TEN_YEARS, audience="https://kubernetes.default.svc")
