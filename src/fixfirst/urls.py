"""URL map. Paths other tools rely on are listed in ARCHITECTURE.md; keep them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from fixfirst.alerting import api as alerting_api
from fixfirst.audit.api import AuditEntryViewSet
from fixfirst.catalog.api import ServiceViewSet
from fixfirst.comms.api import CommunicationPlanViewSet
from fixfirst.core import views as core_views
from fixfirst.incidents.api import IncidentViewSet
from fixfirst.incidents.sla_api import CalendarViewSet, SlaPolicyViewSet
from fixfirst.major.api import MajorIncidentViewSet
from fixfirst.notify.channel_api import ChannelViewSet
from fixfirst.oncall import api as oncall_api
from fixfirst.oncall import api_me as oncall_api_me
from fixfirst.statuspage import api as statuspage_api
from fixfirst.tenancy import api as tenancy_api

router = DefaultRouter()
# JSON only: no ".json" suffix routes to keep the surface (and the schema) small.
router.include_format_suffixes = False
router.register("customers", tenancy_api.CustomerViewSet, basename="customer")
router.register("contacts", tenancy_api.ContactViewSet, basename="contact")
router.register("contracts", tenancy_api.ContractViewSet, basename="contract")
router.register("teams", tenancy_api.TeamViewSet, basename="team")
router.register("users", tenancy_api.UserViewSet, basename="user")
router.register("tokens", tenancy_api.TokenViewSet, basename="token")
router.register("audit", AuditEntryViewSet, basename="audit")
router.register("services", ServiceViewSet, basename="service")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("calendars", CalendarViewSet, basename="calendar")
router.register("sla-policies", SlaPolicyViewSet, basename="sla-policy")
router.register("integrations", alerting_api.IntegrationViewSet, basename="integration")
router.register("alerts", alerting_api.AlertViewSet, basename="alert")
router.register("routing-rules", alerting_api.RoutingRuleViewSet, basename="routing-rule")
router.register("silences", alerting_api.SilenceViewSet, basename="silence")
router.register("change-events", alerting_api.ChangeEventViewSet, basename="change-event")
router.register("status-pages", statuspage_api.StatusPageViewSet, basename="status-page")
router.register(
    "status-components", statuspage_api.StatusComponentViewSet, basename="status-component"
)
router.register("communication-plans", CommunicationPlanViewSet, basename="communication-plan")
router.register("schedules", oncall_api.ScheduleViewSet, basename="schedule")
router.register(
    "escalation-policies", oncall_api.EscalationPolicyViewSet, basename="escalation-policy"
)
router.register("contact-methods", oncall_api_me.ContactMethodViewSet, basename="contact-method")
router.register(
    "notification-rules", oncall_api_me.NotificationRuleViewSet, basename="notification-rule"
)
router.register("major-incidents", MajorIncidentViewSet, basename="major-incident")
router.register("channels", ChannelViewSet, basename="channel")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("fixfirst.tenancy.urls")),
    path("", include("fixfirst.audit.urls")),
    path("", include("fixfirst.alerting.urls")),
    path("", include("fixfirst.alerting.page_urls")),
    path("", include("fixfirst.incidents.urls")),
    path("", include("fixfirst.inbound.urls")),
    path("", include("fixfirst.statuspage.urls")),
    path("", include("fixfirst.comms.urls")),
    path("", include("fixfirst.oncall.urls")),
    path("", include("fixfirst.major.urls")),
    path("", include("fixfirst.notify.channel_urls")),
]

handler404 = "fixfirst.core.views.not_found"
handler500 = "fixfirst.core.views.server_error"
