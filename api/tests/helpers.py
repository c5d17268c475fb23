"""Shared by the API tests."""


def auth(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
