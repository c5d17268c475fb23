from django.urls import path

from procedures import views

app_name = "procedures"
urlpatterns = [
    path("", views.register, name="register"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("receive/", views.receive, name="receive"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/handover/", views.handover, name="handover"),
    path("dossiers/<int:pk>/supplement/", views.supplement, name="supplement"),
    path("dossiers/<int:pk>/supplement/done/", views.supplement_done, name="supplement_done"),
    path("dossiers/<int:pk>/finish/", views.finish, name="finish"),
    path("dossiers/<int:pk>/return/", views.return_result, name="return_result"),
    path("dossiers/<int:pk>/apology/", views.apology, name="apology"),
    path("dossiers/<int:pk>/mau-01.docx", views.receipt_docx, name="receipt"),
    path("dossiers/<int:pk>/mau-04.docx", views.apology_docx, name="apology_docx"),
    path("dossiers/<int:pk>/mau-06.xlsx", views.control_xlsx, name="control_slip"),
    path("catalogue/", views.catalogue_list, name="catalogue"),
    path("catalogue/<int:pk>/", views.catalogue_detail, name="procedure"),
    path("catalogue/import/", views.catalogue_import, name="catalogue_import"),
    path("catalogue/template.xlsx", views.catalogue_template, name="catalogue_template"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("quality/", views.quality_dashboard, name="quality"),
    path("quality/dossiers/", views.quality_drill, name="quality_drill"),
    path("quality/official/", views.official_score, name="official_score"),
]
