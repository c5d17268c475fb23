from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api.api import api
from core import two_factor
from core import views as core_views
from core.administration import admin_gate
from core.two_factor import TwoStepLoginView
from feedback import public as feedback_pages
from portal import views as portal_pages
from procedures import views as procedure_views
from surveys import public as survey_pages

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", core_views.limited_login(TwoStepLoginView.as_view()), name="login"),
    path("login/code/", core_views.limited_login(two_factor.login_code), name="login_code"),
    path("account/security/", two_factor.account_security, name="account_security"),
    path("account/tokens/", core_views.api_tokens, name="api_tokens"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("agency/", core_views.switch_agency, name="switch_agency"),
    path("notifications/", core_views.notifications, name="notifications"),
    path("notifications/read/", core_views.notifications_read, name="notifications_read"),
    path("evidence/", core_views.evidence_library, name="evidence_library"),
    path("evidence/new/", core_views.evidence_upload, name="evidence_upload"),
    path("evidence/<int:pk>/", core_views.evidence_detail, name="evidence_detail"),
    path("evidence/files/<int:pk>/", core_views.evidence_file, name="evidence_file"),
    path("plans/", include("plans.urls")),
    path("par/", include("scorecards.urls")),
    path("targets/", include("targets.urls")),
    path("tthc/", include("procedures.urls")),
    path("sipas/", include("surveys.urls")),
    path("pakn/", include("feedback.urls")),
    path("posts/", include("portal.urls")),
    path("reports/", include("reports.urls")),
    path("cong-khai/", portal_pages.agencies, name="portal_home"),
    path("cong-khai/<str:code>/", portal_pages.agency_page, name="portal_agency"),
    path("cong-khai/<str:code>/tin/<int:pk>/", portal_pages.post, name="portal_post"),
    path("cong-khai/<str:code>/thu-tuc/", portal_pages.catalogue, name="portal_catalogue"),
    path("cong-khai/<str:code>/thu-tuc/<int:pk>/", portal_pages.procedure, name="portal_procedure"),
    path("cong-khai/<str:code>/chi-so/", portal_pages.indices, name="portal_indices"),
    path("tra-cuu/ho-so/", portal_pages.dossier_lookup, name="dossier_lookup"),
    path("phan-anh/", feedback_pages.published, name="feedback_published"),
    path("phan-anh/gui/", feedback_pages.submit, name="feedback_submit"),
    path("phan-anh/xac-nhan/<str:token>/", feedback_pages.confirm, name="feedback_confirm"),
    path("phan-anh/<str:code>/", feedback_pages.status, name="feedback_status"),
    path("phan-anh/<str:code>/danh-gia/", feedback_pages.rate, name="feedback_rate"),
    path("phan-anh/<str:code>/nhac-lai/", feedback_pages.remind, name="feedback_remind"),
    path("tra-cuu/ho-so/<str:code>/", procedure_views.public_status, name="dossier_status"),
    path("khao-sat/", survey_pages.start, name="survey_start"),
    path("khao-sat/phieu/", survey_pages.form, name="survey_form"),
    path("khao-sat/cam-on/", survey_pages.thanks, name="survey_thanks"),
    path("khao-sat/mo/<str:key>/", survey_pages.open_form, name="survey_open"),
    path("khao-sat/mo/<str:key>/<int:unit>/", survey_pages.open_form, name="survey_counter"),
    path("api/v1/", api.urls),
    path("administration/", include("core.administration.urls")),
    # The admin signs in through the same two-step page, never its own; a signed-in person who may
    # not use it gets a 403 page (no redirect loop).
    path("admin/login/", admin_gate.admin_login),
    path("admin/", admin_gate.gated_admin_urls(admin.site)),
]

handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
