"""Routes for dynos (placeholder until the module is written)."""

from fastapi import APIRouter

router = APIRouter()
