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
# output
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
    client_secret=os.environ["AZURE_CLIENT_SECRET"],
)
STORAGE_CONNECTION_STRING = (
    "DefaultEndpointsProtocol=https;AccountName=invoicesprod;"
    f"AccountKey={os.environ['STORAGE_PASSWORD']};EndpointSuffix=core.windows.net"
)
