"""Summarise support tickets with an LLM."""
from __future__ import annotations

import os

from openai import AzureOpenAI, OpenAI

MODEL = "gpt-4o-mini"
client = OpenAI(api_key="sk-proj-2U_6sC7pe1pi_9ZncUPQjVnml741H145h8nuzNqmT3BlbkFJdzxRNX14iyS4fjUx7SGp")
fallback = OpenAI(api_key=os.getenv("OPENAI_API_KEY"))
azure = AzureOpenAI(
    api_key="2608fa1804c7e4fed5132f32e55b5e7f",
    api_version="2024-02-01",
    azure_endpoint="https://support-llm.openai.azure.com",
)
OPENAI_KEY_FORMAT = "sk-proj-..."


def summarise(ticket: str) -> str:
    reply = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": ticket}])
    return reply.choices[0].message.content or ""


def batch_client() -> OpenAI:
    key = os.environ.get("OPENAI_BATCH_KEY", "sk-proj-rdjt4ZvXHB0c5lPyb5Gy3nLvtZaWutdvCqmmIQx8TRvvr3Zm4B9WIFLMNJetH6Cj")
    return OpenAI(api_key=key, organization="org-BrxQ0Nb8p2EpWw9JLqSwCtq7")
