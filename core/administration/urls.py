from django.urls import path

from core.administration import province, views

app_name = "administration"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/roles/add/", views.role_add, name="role_add"),
    path("people/<int:pk>/roles/<int:membership>/remove/", views.role_remove, name="role_remove"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/password/", views.password_reset, name="password_reset"),
    path("people/<int:pk>/second-factor/", views.second_factor_reset, name="second_factor_reset"),
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_form, name="unit_create"),
    path("units/<int:pk>/", views.unit_form, name="unit_edit"),
    path("units/<int:pk>/delete/", views.unit_delete, name="unit_delete"),
    path("signers/", views.signers, name="signers"),
    path("signers/new/", views.signer_form, name="signer_create"),
    path("signers/<int:pk>/", views.signer_form, name="signer_edit"),
    path("signers/<int:pk>/deactivate/", views.signer_deactivate, name="signer_deactivate"),
    path("signers/<int:pk>/reactivate/", views.signer_reactivate, name="signer_reactivate"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/digest-on/", views.digest_on, name="digest_on"),
    path("notifications/<int:pk>/digest-off/", views.digest_off, name="digest_off"),
    path("api-accounts/", views.api_accounts, name="api_accounts"),
    path("api-accounts/<int:pk>/", views.api_account, name="api_account"),
    path("api-accounts/<int:pk>/tokens/<int:token>/revoke/", views.token_revoke, name="token_revoke"),
    path("calendar/", province.calendar, name="calendar"),
    path("calendar/new/", province.override_form, name="override_create"),
    path("calendar/<int:pk>/", province.override_form, name="override_edit"),
    path("calendar/<int:pk>/delete/", province.override_delete, name="override_delete"),
    path("province/", province.province, name="province"),
    path("province/agencies/new/", province.agency_form, name="agency_create"),
    path("province/agencies/<int:pk>/", province.agency, name="agency"),
    path("province/agencies/<int:pk>/edit/", province.agency_form, name="agency_edit"),
]
