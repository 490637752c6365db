from typing import Any

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by administrators (or by customer admins), never by sign-up."""

    def is_open_for_signup(self, request: Any) -> bool:
        return False
