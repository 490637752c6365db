"""Staff pages for channels: the list (with each channel's state and last permanent error),
add, change, remove, send a test message. Thin: the form validates, channel_services acts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fixfirst.notify import channel_services
from fixfirst.notify.channels import Channel
from fixfirst.notify.transports import teams
from fixfirst.tenancy.access import customers_for, get_for, scoped
from fixfirst.tenancy.models import Team, User
from fixfirst.tenancy.roles import Capability

CONFIG_FIELDS = (
    "url",
    "teams_format",
    "secret",
    "numbers",
    "addresses",
    "server",
    "topic",
    "token",
)


class ChannelForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"))
    customer = forms.ModelChoiceField(
        label=gettext_lazy("Customer"), queryset=None, required=False,
        empty_label=gettext_lazy("— the provider's own channel —"),
    )  # fmt: skip
    team = forms.ModelChoiceField(
        label=gettext_lazy("Owner team"), queryset=Team.objects.all(), required=False
    )
    announce_major = forms.BooleanField(
        label=gettext_lazy("Announce major incidents here"), required=False, initial=True
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    url = forms.CharField(
        label=gettext_lazy("Webhook address"), required=False, max_length=1000,
        help_text=gettext_lazy("The incoming-webhook URL the chat service gave you."),
    )  # fmt: skip
    teams_format = forms.ChoiceField(
        label=gettext_lazy("Teams webhook kind"), required=False,
        choices=[(teams.WORKFLOW, gettext_lazy("Workflows (Adaptive Card)")),
                 (teams.CONNECTOR, gettext_lazy("Legacy connector (MessageCard)"))],
    )  # fmt: skip
    secret = forms.CharField(label=gettext_lazy("Signing secret (whsec_…)"), required=False)
    numbers = forms.CharField(
        label=gettext_lazy("Phone numbers, one per line (+31…)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    addresses = forms.CharField(
        label=gettext_lazy("Email addresses, one per line"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    server = forms.CharField(
        label=gettext_lazy("ntfy server"), required=False,
        help_text=gettext_lazy("Empty for the default server."),
    )  # fmt: skip
    topic = forms.CharField(label=gettext_lazy("ntfy topic"), required=False, max_length=64)
    token = forms.CharField(label=gettext_lazy("ntfy access token"), required=False)

    def __init__(self, *args: Any, user: User, channel: Channel | None = None, **kwargs: Any):
        if channel is not None:
            config = dict(channel.config or {})
            for name in ("numbers", "addresses"):
                config[name] = "\n".join(config.get(name, []))
            kwargs.setdefault("initial", {}).update(
                name=channel.name, kind=channel.kind, customer=channel.customer,
                team=channel.team, announce_major=channel.announce_major,
                is_active=channel.is_active, **config,
            )  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers_for(user)  # type: ignore[attr-defined]
        self.fields["kind"].choices = [
            (k.value, k.label) for k in channel_services.available_kinds()
        ]
        if channel is not None:
            self.fields["kind"].disabled = True

    def config(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) or "" for name in CONFIG_FIELDS}


def _staff(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not user.is_provider_staff:
        raise Http404("Channels are provider staff pages.")
    return user


@login_required
def channel_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    channels = (
        scoped(Channel, user).select_related("customer", "team").order_by("customer__name", "name")
    )
    return render(
        request,
        "notify/channel_list.html",
        {"channels": channels, "can_manage": user.can(Capability.MANAGE_INCIDENTS)},
    )


@login_required
def channel_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _staff(request)
    channel = get_for(user, Channel, Capability.MANAGE_INCIDENTS, pk=pk) if pk else None
    if channel is None and not user.can(Capability.MANAGE_INCIDENTS):
        raise Http404("Not yours to add.")
    form = ChannelForm(request.POST or None, user=user, channel=channel)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            channel_services.save_channel(
                channel, by=user, name=data["name"], kind=data["kind"], config=form.config(),
                customer=data["customer"], team=data["team"],
                announce_major=data["announce_major"], is_active=data["is_active"],
            )  # fmt: skip
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Channel saved."))
            return redirect("notify:channel_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "notify/channel_form.html", {"form": form, "channel": channel}, status=status
    )


@login_required
@require_POST
def channel_test(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    channel = get_for(user, Channel, Capability.MANAGE_INCIDENTS, pk=pk)
    sent = channel_services.send_test(channel, by=user)
    if sent:
        messages.success(request, _("Test message queued; the list shows whether it got through."))
    else:
        messages.error(request, _("The channel is switched off; nothing was sent."))
    return redirect("notify:channel_list")


@login_required
@require_POST
def channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    channel = get_for(user, Channel, Capability.MANAGE_INCIDENTS, pk=pk)
    channel_services.delete_channel(channel, by=user)
    messages.success(request, _("Channel removed."))
    return redirect("notify:channel_list")
