from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export, name="export"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/qr.png", views.campaign_qr, name="campaign_qr"),
    path("entry/", views.entry, name="entry"),
    path("import/", views.import_file, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("responses/", views.responses, name="responses"),
    path("responses/<str:pk>/invalidate/", views.invalidate, name="invalidate"),
    path("responses/<str:pk>/restore/", views.restore, name="restore"),
    path("comments/", views.comments, name="comments"),
    path("comments/<str:pk>/", views.moderate, name="moderate"),
    path("province/", views.province, name="province"),
]
