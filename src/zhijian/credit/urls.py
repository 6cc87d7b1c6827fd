from django.urls import path

from .views import enterprise, office, proposals, public, scoring_models

app_name = "credit"

urlpatterns = [
    path("", office.overview, name="overview"),
    path("classes/", office.standing_list, name="standings"),
    path("rescore/", office.run_batch, name="rescore"),
    path("entities/<str:uscc>/", office.entity_credit, name="entity"),
    path("entities/<str:uscc>/penalties/", office.add_penalty, name="add_penalty"),
    path("entities/<str:uscc>/abnormal/", office.add_abnormal, name="add_abnormal"),
    path("records/<int:pk>/withdraw/", office.withdraw, name="withdraw"),
    path("lists/<int:pk>/propose-serious/", office.propose_serious, name="propose_serious"),
    path("decisions/<int:pk>/review/", office.review, name="review"),
    path("repairs/", office.repair_list, name="repairs"),
    path("repairs/<int:pk>/decide/", office.decide, name="decide"),
    path("repairs/evidence/<int:pk>/", office.repair_evidence, name="repair_evidence"),
    path("proposals/", proposals.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/confirm/", proposals.proposal_confirm, name="proposal_confirm"),
    path("proposals/<int:pk>/reject/", proposals.proposal_reject, name="proposal_reject"),
    path("mine/", enterprise.mine, name="mine"),
    path("mine/apply/<str:target>/<int:pk>/", enterprise.apply, name="apply"),
    path("models/", scoring_models.model_list, name="models"),
    path("models/new/", scoring_models.model_new, name="model_new"),
    path("models/<int:pk>/activate/", scoring_models.model_activate, name="model_activate"),
    path("lists/public/", public.public_lists, name="public_lists"),
    path("report/<str:uscc>/", public.credit_report, name="report"),
    path("report/<str:uscc>/report.pdf", public.credit_report_pdf, name="report_pdf"),
]
