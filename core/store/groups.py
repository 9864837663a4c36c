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
                   max_savings_multiple_pct: int = 300, late_fine_satang: int = 0) -> LoanProduct:
    return LoanProduct.create(id=str(uuid.uuid4()), group=group_id, name_th=name_th,
                              name_en=name_en or name_th, method=method,
                              monthly_rate_bp=monthly_rate_bp, max_months=max_months,
                              guarantors_needed=guarantors_needed,
                              max_savings_multiple_pct=max_savings_multiple_pct,
                              late_fine_satang=late_fine_satang)


def policy_of(group: Group) -> dict:
    return with_defaults(group.policy)
