"""The welfare fund: the scheme, claims with the rules' assessment read aloud, the
committee's decision and the payment, who is behind with contributions, the fund's income by
source, and the yearly figures the funders ask for (a page, a CSV and an XLSX export).

Every change is an op through the one core operation; the queries live in core.store.welfare.
"""

from flask import Blueprint

bp = Blueprint("welfare", __name__, url_prefix="/groups/<group_id>/welfare")

from webapp.welfare import claims, fund  # noqa: E402,F401 (their routes)
