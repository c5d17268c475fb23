from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/figures/refresh/", views.refresh_figures, name="refresh_figures"),
    path("generate/", views.generate, name="generate"),
    path("plans/<int:pk>/text/", views.plan_text, name="plan_text"),
    path("plans/<int:pk>/next-year/", views.plan_next_year, name="plan_next_year"),
    path("files/<int:pk>/", views.download_file, name="download"),
    path("files/<int:pk>/status/", views.file_status, name="file_status"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:pk>/off/", views.template_off, name="template_off"),
    path("templates/sample/<str:kind>.docx", views.sample_template, name="sample_template"),
]
