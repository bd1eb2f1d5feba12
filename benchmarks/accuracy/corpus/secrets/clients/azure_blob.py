"""Archive invoices to Azure Blob Storage and read secrets from Key Vault."""
from __future__ import annotations

import os

from azure.identity import ClientSecretCredential, DefaultAzureCredential
from azure.keyvault.secrets import SecretClient
from azure.storage.blob import BlobServiceClient

AZURE_TENANT_ID = "63d14470-09a1-488f-9d42-cb409f96b632"
AZURE_SUBSCRIPTION_ID = "70406797-1a9f-46a1-9ad5-c8dc02c43f98"
AZURE_CLIENT_ID = "cbd07cec-fe31-4a04-874c-be11848779ef"
VAULT_URL = "https://invoices-kv.vault.azure.net/"

credential = ClientSecretCredential(
    tenant_id=AZURE_TENANT_ID,
    client_id=AZURE_CLIENT_ID,
    client_secret="Ivu1Q~~Rj3WCoYRsCUb-kJuD6J3S9H02hHUIAvu6",
)
STORAGE_CONNECTION_STRING = (
    "DefaultEndpointsProtocol=https;AccountName=invoicesprod;"
    "AccountKey=kxzfpEKlJwkS8U6e8+1ydaa8FzfAj8mp6lfxDQI5Nlm78pi63hi90bIqOe+86zWX/Zu3uUlWAo4YCPYnrDaZmQ==;EndpointSuffix=core.windows.net"
)
AZURITE_CONNECTION_STRING = "UseDevelopmentStorage=true"


def blob_service() -> BlobServiceClient:
    return BlobServiceClient.from_connection_string(STORAGE_CONNECTION_STRING)


def blob_service_from_env() -> BlobServiceClient:
    return BlobServiceClient.from_connection_string(os.environ["AZURE_STORAGE_CONNECTION_STRING"])


def sas_client() -> BlobServiceClient:
    return BlobServiceClient(
        account_url="https://invoicesprod.blob.core.windows.net",
        credential="VjcytjRy5bXffzr3pclxrxkjmg4E03rpdzj7WCo7OX/Uc5tGKi5zn80THbboxcxythR2apPMPyH5NPiqxzj/RQ==",
    )


def vault() -> SecretClient:
    return SecretClient(vault_url=VAULT_URL, credential=DefaultAzureCredential())


def signing_key_name() -> str:
    secret_name = "invoice-signing-key"
    return secret_name
