"""The welfare pages' forms: checking the rules without JavaScript, the committee's decision
(raising above the rule needs a reason, refusing needs one), who sees the decision, and the
funding form's checks."""

import uuid

from core.store.models import WelfareClaim
from tests.conftest import csrf_token, sign_in


def _claim(world, nights=2):
    world.apply("welfare.contribute", {"member_id": world.member_id, "amount_satang": 100_000},
                business_date="2025-01-15")
    claim_id = str(uuid.uuid4())
    result = world.apply("welfare.claim", {"claim_id": claim_id, "member_id": world.member_id,
                                           "benefit_type": "hospital", "nights": nights,
                                           "event_date": "2026-03-02"},
                         business_date="2026-03-05")
    assert result.status == "accepted"
    return claim_id


def test_checking_the_rules_without_javascript_shows_the_whole_page(client, world):
    sign_in(client, "treasurer")
    path = f"/groups/{world.group.id}/welfare/claims/new"
    response = client.post(path, data={
        "csrf_token": csrf_token(client, path), "member_id": world.member_id,
        "benefit_type": "birth", "event_date": "15/05/2568", "action": "check"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert "ระยะเวลารอสิทธิ์: 120 จาก 180 วัน" in html
    assert WelfareClaim.select().count() == 0


def test_the_committee_decides_with_reasons(client, world):
    claim_id = _claim(world)  # 2 nights: 400
    page = f"/groups/{world.group.id}/welfare/claims/{claim_id}"
    sign_in(client, "treasurer")
    assert "/approve" not in client.get(page).get_data(as_text=True)  # not the treasurer's
    client.post("/logout", data={"csrf_token": csrf_token(client, page)})
    sign_in(client, "committee")
    html = client.get(page).get_data(as_text=True)
    assert 'name="amount" value="400.00"' in html
    token = csrf_token(client, page)
    raised = client.post(page + "/approve", data={"csrf_token": token, "amount": "500"})
    assert raised.status_code == 400
    assert "needs a reason" in raised.get_data(as_text=True) or \
        "ต้องระบุเหตุผล" in raised.get_data(as_text=True)
    no_reason = client.post(page + "/refuse", data={"csrf_token": token})
    assert no_reason.status_code == 400
    refused = client.post(page + "/refuse", data={"csrf_token": token,
                                                  "refuse_reason": "ไม่มีใบรับรองแพทย์"})
    assert refused.status_code == 302
    row = WelfareClaim.get_by_id(claim_id)
    assert (row.status, row.decision_reason) == ("refused", "ไม่มีใบรับรองแพทย์")
    listed = client.get(f"/groups/{world.group.id}/welfare/claims?status=refused")
    assert world.group.name in listed.get_data(as_text=True)
    assert "สมศรี ใจดี" in listed.get_data(as_text=True)


def test_the_funding_form_checks_the_source_and_round(client, world):
    sign_in(client, "treasurer")
    path = f"/groups/{world.group.id}/welfare/funding"
    token = csrf_token(client, path)
    bad = client.post(path, data={"csrf_token": token, "source": "moon", "amount": "100",
                                  "matching_round": "first", "business_date": "2026-01-05"})
    assert bad.status_code == 400
    good = client.post(path, data={"csrf_token": token, "source": "codi", "amount": "1,000",
                                   "matching_round": "1", "business_date": "2026-01-05"})
    assert good.status_code == 302
    html = client.get(path).get_data(as_text=True)
    assert "฿1,000.00" in html and "รอบที่ 1" in html
