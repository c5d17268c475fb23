from django.urls import path

from procedures import counter_views, register_views, views

app_name = "procedures"
urlpatterns = [
    path("", views.register, name="register"),
    path("at-risk/", views.at_risk, name="at_risk"),
    path("receive/", counter_views.receive, name="receive"),
    path("dossiers/<int:pk>/", counter_views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/handover/", counter_views.handover, name="handover"),
    path("dossiers/<int:pk>/supplement/", counter_views.supplement, name="supplement"),
    path("dossiers/<int:pk>/supplement/done/", counter_views.supplement_done, name="supplement_done"),
    path("dossiers/<int:pk>/finish/", counter_views.finish, name="finish"),
    path("dossiers/<int:pk>/return/", counter_views.return_result, name="return_result"),
    path("dossiers/<int:pk>/apology/", counter_views.apology, name="apology"),
    path("dossiers/<int:pk>/mau-01.docx", counter_views.receipt_docx, name="receipt"),
    path("dossiers/<int:pk>/mau-04.docx", counter_views.apology_docx, name="apology_docx"),
    path("dossiers/<int:pk>/mau-06.xlsx", counter_views.control_xlsx, name="control_slip"),
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
    path("imports/template.xlsx", register_views.import_template, name="import_template"),
    path("quality/export.xlsx", register_views.quality_xlsx, name="quality_xlsx"),
    # the counter's paper forms: a print page and a Word file each (counter_views)
    path("dossiers/<int:pk>/print/mau-01/", counter_views.print_receipt, name="print_receipt"),
    path("dossiers/<int:pk>/mau-02/<int:request_id>/print/", counter_views.print_supplement, name="print_supplement"),
    path("dossiers/<int:pk>/mau-02/<int:request_id>.docx", counter_views.supplement_docx, name="supplement_docx"),
    path("dossiers/<int:pk>/print/mau-03/", counter_views.print_refusal, name="print_refusal"),
    path("dossiers/<int:pk>/mau-03.docx", counter_views.refusal_docx, name="refusal_docx"),
    path("dossiers/<int:pk>/print/mau-04/", counter_views.print_apology, name="print_apology"),
    path("dossiers/<int:pk>/print/mau-06/", counter_views.print_control, name="print_control"),
    path("dossiers/<int:pk>/mau-06.docx", counter_views.control_docx, name="control_docx"),
]
