"""The meeting screen for a 300-member group: server time and the compressed page size.

Run: `python -m bench.meeting_screen`. The baseline is the sign-in page served by the same app
in the same run, so the ratio says what the meeting screen costs beyond serving any page.
Targets on a 2-core machine: under 50 ms and under 40 KB compressed.
"""

import uuid
from datetime import date, timedelta

from bench.common import gzip_kb, print_figures, scratch_app, summary, timings_ms

MEMBERS = 300
REPEAT = 30
BORROWERS_EVERY = 3  # every third member has a loan running, paid out some months ago


def build_group(size: int, prefix: str = "bench"):
    from core.store import groups, users
    from core.store.operations import Actor, apply_operation
    from core.thaidate import today_in

    group = groups.create_group("กลุ่มทดสอบความเร็ว")
    treasurer = users.create_user(f"{prefix}-treasurer", "bench password 1", "treasurer",
                                  group_ids=[group.id])
    committee = users.create_user(f"{prefix}-committee", "bench password 1", "committee",
                                  group_ids=[group.id])
    actor = Actor(treasurer, "bench")
    today = today_in(group.timezone).isoformat()
    paid_out = (today_in(group.timezone) - timedelta(days=100)).isoformat()
    product = groups.create_product(group.id, "สามัญ", method="flat", monthly_rate_bp=100,
                                    max_months=12)

    def apply(op_type, payload, by=actor, day=today):
        result = apply_operation(by, {"op_id": str(uuid.uuid4()), "group_id": group.id,
                                      "type": op_type, "business_date": day,
                                      "payload": payload})
        assert result.applied, result

    def lend(member_id):
        apply("savings.deposit", {"member_id": member_id, "amount_satang": 500_000}, day=paid_out)
        loan_id = str(uuid.uuid4())
        apply("loan.apply", {"loan_id": loan_id, "member_id": member_id,
                             "product_id": product.id, "principal_satang": 300_000,
                             "months": 12}, day=paid_out)
        apply("loan.approve", {"loan_id": loan_id}, by=Actor(committee, "bench"), day=paid_out)
        apply("loan.disburse", {"loan_id": loan_id}, day=paid_out)

    meeting_id = str(uuid.uuid4())
    apply("meeting.open", {"meeting_id": meeting_id, "date": today})
    for number in range(size):
        member_id = str(uuid.uuid4())
        apply("member.create", {"member_id": member_id, "name": f"สมาชิก ทดสอบ {number + 1}",
                                "joined_on": date(2024, 1, 1).isoformat()})
        if number % BORROWERS_EVERY == 0:
            lend(member_id)
        if number % 2 == 0:  # half the room has already been recorded
            apply("savings.deposit", {"member_id": member_id, "amount_satang": 10_000,
                                      "meeting_id": meeting_id})
    return group, meeting_id


def run(members: int = MEMBERS, repeat: int = REPEAT) -> dict:
    with scratch_app() as app:
        with app.app_context():
            group, meeting_id = build_group(members)
        client = app.test_client()
        client.post("/login", data={"username": "bench-treasurer",
                                    "password": "bench password 1"})
        screen = f"/groups/{group.id}/meetings/{meeting_id}"
        body = client.get(screen).get_data()
        assert body.count(b'class="mrow') == members, "every member has a row"
        assert body.count(b'class="tap loan"') == -(-members // BORROWERS_EVERY), "repay buttons"
        baseline = summary(timings_ms(lambda: client.get("/login"), repeat))
        measured = summary(timings_ms(lambda: client.get(screen), repeat))
        return {
            "members": members,
            "meeting_screen_p50_ms": measured["p50_ms"],
            "meeting_screen_p95_ms": measured["p95_ms"],
            "baseline_login_p50_ms": baseline["p50_ms"],
            "ratio_vs_baseline": round(measured["p50_ms"] / baseline["p50_ms"], 1),
            "html_kb": round(len(body) / 1024, 1),
            "gzip_kb": gzip_kb(body),
        }


if __name__ == "__main__":
    print_figures(run())
