"""Background work of the tenancy domain (Django Tasks API, run by `fixfirst worker`)."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from fixfirst.tenancy.models import Provider, User


@task()
def send_invitation(user_id: int) -> None:
    """Mail a new user a link to choose their password."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    key = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    language = user.language or (user.customer.language if user.customer else "en")
    with translation.override(language):
        context = {
            "user": user,
            "provider": Provider.current(),
            "link": f"{settings.BASE_URL}{path}",
        }
        subject = render_to_string("tenancy/email/invitation_subject.txt", context).strip()
        body = render_to_string("tenancy/email/invitation.txt", context)
    send_mail(subject, body, None, [user.email])
