"""A network's reports: each group's figures for the period and the network's sums.

Read-only and across groups, as DESIGN.md allows for network reports; every figure is a
group-level one (no member's name or balance), summed in SQL over all the network's groups at
once, so the cost grows with the journal lines of the period, not with the number of queries.
"""

from dataclasses import dataclass

from core.store.models import Group, Network
from core.store.reports.period import Period
from core.store.reports.rollup import Figures, figures, sum_figures


@dataclass(frozen=True)
class NetworkReport:
    network: Network
    period: Period
    groups: tuple[tuple[Group, Figures], ...]  # by group name
    total: Figures

    @property
    def empty(self) -> bool:
        return all(f.empty for _, f in self.groups)


def network_groups(network_id: str) -> list[Group]:
    return list(Group.select().where(Group.network == network_id).order_by(Group.name))


def network_report(network_id: str, period: Period) -> NetworkReport | None:
    """The network's figures for the period, or None for an unknown network."""
    network = Network.get_or_none(Network.id == network_id)
    if network is None:
        return None
    groups = network_groups(network_id)
    found = figures(groups, period) if groups else {}
    rows = tuple((g, found[g.id]) for g in groups)
    return NetworkReport(network, period, rows, sum_figures([f for _, f in rows], period))
