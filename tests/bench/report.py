"""Figures from load generator outcomes: messages per second, latency percentiles, errors per operation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tests.bench.loadgen import Outcome


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class Phase:
    """One measured run: what was driven, its outcome, and the machine's CPU over it."""

    label: str
    outcome: Outcome
    machine_busy: float  # fraction of all cores busy during the run (0..1)
    cores: int
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of the server tree and of PostgreSQL

    @property
    def rate(self) -> float:
        return self.outcome.answered / self.outcome.elapsed if self.outcome.elapsed else 0.0

    @property
    def all_latencies(self) -> list[float]:
        return [v for values in self.outcome.latencies.values() for v in values]

    @property
    def errors(self) -> int:
        return sum(self.outcome.errors.values())

    def generator_share(self) -> float:
        """Fraction of the machine's CPU the load generator used."""
        return self.outcome.cpu / (self.outcome.elapsed * self.cores) if self.outcome.elapsed else 0.0

    def generator_cost_us(self) -> float:
        sent = self.outcome.answered + self.errors
        return self.outcome.cpu / sent * 1e6 if sent else float("nan")


def summary_header() -> str:
    return (
        f"{'phase':<34}{'msg/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
        f"{'cpu busy':>10}{'gen cpu':>9}{'gen us/req':>11}"
    )


def summary_line(phase: Phase) -> str:
    latencies = phase.all_latencies
    return (
        f"{phase.label:<34}{phase.rate:>9.0f}{percentile(latencies, 0.5) * 1e3:>9.1f}"
        f"{percentile(latencies, 0.99) * 1e3:>9.1f}{(max(latencies) if latencies else float('nan')) * 1e3:>9.1f}"
        f"{phase.errors:>8}{phase.machine_busy * 100:>9.0f}%{phase.generator_share() * 100:>8.0f}%"
        f"{phase.generator_cost_us():>11.0f}"
    )


def operation_lines(phase: Phase) -> list[str]:
    lines = [f"    {'operation':<22}{'answered':>9}{'msg/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"]
    operations = sorted(set(phase.outcome.latencies) | {op for op, _ in phase.outcome.errors})
    for op in operations:
        values = phase.outcome.latencies.get(op, [])
        errors = sum(n for (o, _), n in phase.outcome.errors.items() if o == op)
        lines.append(
            f"    {op:<22}{len(values):>9}{len(values) / phase.outcome.elapsed:>8.0f}"
            f"{percentile(values, 0.5) * 1e3:>9.1f}{percentile(values, 0.99) * 1e3:>9.1f}{errors:>8}"
        )
    for (op, reason), count in sorted(phase.outcome.errors.items()):
        lines.append(f"      error {op}: {reason} x{count}")
    return lines


def cpu_line(phase: Phase) -> str:
    """Where the machine's CPU went, per answered message: server processes, PostgreSQL, load generator."""
    answered = max(1, phase.outcome.answered)
    parts = {**phase.cpu, "generator": phase.outcome.cpu}
    shown = ", ".join(f"{name} {seconds / answered * 1e6:.0f}" for name, seconds in parts.items())
    return f"    CPU us per message: {shown}"


def print_phase(phase: Phase, *, per_operation: bool = True) -> None:
    print(summary_line(phase), flush=True)
    print(cpu_line(phase), flush=True)
    if per_operation:
        print("\n".join(operation_lines(phase)), flush=True)
