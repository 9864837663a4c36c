"""The rules of the books: the chart template, balanced transactions, reversals.

Amounts are integer satang, debit positive and credit negative, so a transaction is balanced
exactly when its amounts sum to zero. Accounts are named by a key: the chart code, and for
per-member or per-loan sub-accounts the code, a colon and the member's or loan's id.
"""

from dataclasses import dataclass

from core.errors import Problem, invalid

ASSET, LIABILITY, EQUITY, INCOME, EXPENSE = "asset", "liability", "equity", "income", "expense"

# Natural sign: the side on which an account of this kind normally stands.
NATURAL_SIGN = {ASSET: 1, EXPENSE: 1, LIABILITY: -1, EQUITY: -1, INCOME: -1}


@dataclass(frozen=True)
class ChartEntry:
    code: str
    name_th: str
    name_en: str
    kind: str
    per: str | None = None  # "member" or "loan" when the account has sub-accounts


CASH, BANK = "1010", "1020"
LOANS, FINES_DUE = "1100", "1200"
SAVINGS, SUSPENSE = "2100", "2200"
COMMITTEE_PAYABLE, PUBLIC_BENEFIT_FUND = "2300", "2400"  # year-end allocations owed onwards
SHARES, RESERVE, WELFARE_FUND, OTHER_FUNDS = "3100", "3200", "3300", "3400"
INTEREST_INCOME, FINE_INCOME, OTHER_INCOME = "4100", "4200", "4300"
EXPENSES, CASH_OVER_SHORT, WRITE_OFFS = "5100", "5200", "5300"
PROFIT_TO_ALLOCATE = "3900"  # the year's net profit between closing and allocating: zero after

CHART_TEMPLATE: tuple[ChartEntry, ...] = (
    ChartEntry(CASH, "เงินสดในมือ", "Cash box", ASSET),
    ChartEntry(BANK, "เงินฝากธนาคาร", "Bank", ASSET),
    ChartEntry(LOANS, "ลูกหนี้เงินกู้", "Loans receivable", ASSET, per="loan"),
    ChartEntry(FINES_DUE, "ลูกหนี้ค่าปรับ", "Fines receivable", ASSET, per="member"),
    ChartEntry(SAVINGS, "เงินออมสมาชิก", "Member savings", LIABILITY, per="member"),
    ChartEntry(SUSPENSE, "เงินรอตรวจสอบ", "Suspense", LIABILITY),
    ChartEntry(COMMITTEE_PAYABLE, "ค่าตอบแทนกรรมการค้างจ่าย", "Committee remuneration payable",
               LIABILITY),
    ChartEntry(PUBLIC_BENEFIT_FUND, "ทุนสาธารณประโยชน์", "Public benefit fund", LIABILITY),
    ChartEntry(SHARES, "ทุนเรือนหุ้น", "Share capital", EQUITY, per="member"),
    ChartEntry(RESERVE, "ทุนสำรอง", "Reserve", EQUITY),
    ChartEntry(WELFARE_FUND, "กองทุนสวัสดิการ", "Welfare fund", EQUITY, per="member"),
    ChartEntry(OTHER_FUNDS, "กองทุนอื่น", "Other funds", EQUITY),
    ChartEntry(PROFIT_TO_ALLOCATE, "กำไรสุทธิรอจัดสรร", "Net profit to allocate", EQUITY),
    ChartEntry(INTEREST_INCOME, "ดอกเบี้ยรับ", "Interest income", INCOME),
    ChartEntry(FINE_INCOME, "ค่าปรับรับ", "Fines income", INCOME),
    ChartEntry(OTHER_INCOME, "รายได้อื่น", "Other income", INCOME),
    ChartEntry(EXPENSES, "ค่าใช้จ่าย", "Expenses", EXPENSE),
    ChartEntry(CASH_OVER_SHORT, "เงินสดขาดเกินบัญชี", "Cash over and short", EXPENSE),
    ChartEntry(WRITE_OFFS, "หนี้สูญ", "Loan write-offs", EXPENSE),
)
CHART = {entry.code: entry for entry in CHART_TEMPLATE}


def account_key(code: str, sub: str | None = None) -> str:
    if code not in CHART:
        raise KeyError(code)
    return f"{code}:{sub}" if sub else code


def code_of(key: str) -> str:
    return key.split(":", 1)[0]


def natural_balance(kind: str, balance: int) -> int:
    """The balance as a person reads it: savings owed to members shows positive."""
    return balance * NATURAL_SIGN[kind]


@dataclass(frozen=True)
class Line:
    account: str
    amount: int


def transfer(debit: str, credit: str, amount: int) -> list[Line]:
    """The commonest posting: one amount from one account to another."""
    return [Line(debit, amount), Line(credit, -amount)]


def check_balanced(lines: list[Line]) -> Problem | None:
    """A postable transaction: two lines or more, whole non-zero satang, summing to zero."""
    if len(lines) < 2:
        return invalid("รายการบัญชีต้องมีอย่างน้อยสองบรรทัด",
                       "A transaction needs at least two lines")
    for line in lines:
        if type(line.amount) is not int or line.amount == 0:
            return invalid("จำนวนเงินในบัญชีต้องเป็นสตางค์เต็มและไม่เป็นศูนย์",
                           "Each line must be a whole, non-zero number of satang")
    if sum(line.amount for line in lines) != 0:
        return invalid("ยอดเดบิตและเครดิตไม่เท่ากัน", "Debits and credits do not balance")
    return None


def reversal_of(lines: list[Line]) -> list[Line]:
    return [Line(line.account, -line.amount) for line in lines]
