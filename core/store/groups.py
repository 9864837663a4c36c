"""Networks, groups, their policies and loan products."""

import uuid

from core.errors import OpRefused
from core.policy import check_policy, with_defaults
from core.store import ledger
from core.store.db import database
from core.store.models import AuditLog, Group, LoanProduct, Network


def create_network(name: str, province: str = "") -> Network:
    return Network.create(id=str(uuid.uuid4()), name=name.strip(), province=province.strip())


def create_group(name: str, *, network_id: str | None = None, kind: str = "savings",
                 province: str = "", timezone: str = "Asia/Bangkok", policy: dict | None = None,
                 group_id: str | None = None, created_by=None) -> Group:
    full = with_defaults(policy)
    problem = check_policy(full)
    if problem:
        raise OpRefused(problem)
    with database.atomic():
        group = Group.create(id=group_id or str(uuid.uuid4()), network=network_id,
                             name=name.strip(), kind=kind, province=province.strip(),
                             timezone=timezone, policy=policy or {})
        ledger.open_chart(group.id)
        AuditLog.create(group=group.id, user=created_by.id if created_by else None,
                        action="group.create", detail={"name": group.name})
    return group


def create_product(group_id: str, name_th: str, *, method: str, monthly_rate_bp: int,
                   max_months: int, name_en: str = "", guarantors_needed: int = 0,
                   max_savings_multiple_pct: int = 300, late_fine_satang: int = 0,
                   **settings) -> LoanProduct:
    return LoanProduct.create(id=str(uuid.uuid4()), group=group_id, name_th=name_th,
                              name_en=name_en or name_th, method=method,
                              monthly_rate_bp=monthly_rate_bp, max_months=max_months,
                              guarantors_needed=guarantors_needed,
                              max_savings_multiple_pct=max_savings_multiple_pct,
                              late_fine_satang=late_fine_satang, **settings)


def policy_of(group: Group) -> dict:
    return with_defaults(group.policy)


def products_of(group_id: str, *, active_only: bool = False) -> list[LoanProduct]:
    query = LoanProduct.select().where(LoanProduct.group == group_id)
    if active_only:
        query = query.where(LoanProduct.active == True)  # noqa: E712
    return list(query.order_by(LoanProduct.active.desc(), LoanProduct.name_th, LoanProduct.id))


def product_of(group_id: str, product_id: str) -> LoanProduct | None:
    return LoanProduct.get_or_none((LoanProduct.id == product_id)
                                   & (LoanProduct.group == group_id))


def save_product(group_id: str, values: dict, *, by=None,
                 product_id: str | None = None) -> LoanProduct:
    """Create a loan product, or change one (its loans keep the method, rate and rounding they
    were made with). Values are LoanProduct fields, checked by core.loan_products first."""
    with database.atomic():
        if product_id is None:
            product_id = str(uuid.uuid4())
            LoanProduct.create(id=product_id, group=group_id, **values)
            action = "product.create"
        else:
            LoanProduct.update(**values).where((LoanProduct.id == product_id)
                                               & (LoanProduct.group == group_id)).execute()
            action = "product.update"
        AuditLog.create(group=group_id, user=by.id if by else None, action=action,
                        detail={"product_id": product_id, **values})
    return LoanProduct.get_by_id(product_id)
