"""What each op type does to the books. A handler reads state, checks the group's rules,
posts through the ledger, and flags what a person must look at; it raises OpRefused to refuse.
Types whose issue has not landed yet are refused with a clear reason, never half-applied.
"""

from core import books
from core.ops import OP_TYPES
from core.store.handlers import loans, meetings, members, money, welfare, yearend
from core.store.handlers.common import not_yet

HANDLERS = {
    "member.create": members.member_create,
    "member.update": members.member_update,
    "member.exit": members.member_exit,
    "savings.deposit": money.receive(books.SAVINGS),
    "savings.withdraw": money.savings_withdraw,
    "shares.buy": money.shares_buy,
    "fine.charge": money.fine_charge,
    "fine.pay": money.receive(books.FINES_DUE),
    "welfare.contribute": money.receive(books.WELFARE_FUND),
    "group.income": money.group_income,
    "group.expense": money.group_expense,
    "void": money.void,
    "meeting.open": meetings.meeting_open,
    "meeting.close": meetings.meeting_close,
    "loan.apply": loans.loan_apply,
    "loan.approve": loans.loan_approve,
    "loan.disburse": loans.loan_disburse,
    "loan.repay": loans.loan_repay,
    "loan.reschedule": loans.loan_reschedule,
    "loan.write_off": loans.loan_write_off,
    "welfare.claim": welfare.welfare_claim,
    "welfare.approve": welfare.welfare_approve,
    "welfare.refuse": welfare.welfare_refuse,
    "welfare.pay": welfare.welfare_pay,
    "year.close": yearend.year_close,
}
for _type in OP_TYPES:
    HANDLERS.setdefault(_type, not_yet)
