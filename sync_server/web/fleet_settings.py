"""The fleet dashboard's thresholds and the /metrics token, from the environment.

They live here rather than in ``sync_server.settings`` until the server's Settings grows these
fields; an app may set ``app.state.fleet_settings`` to override the environment (tests do)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FleetSettings:
    # Benches sync once a minute: half an hour without contact is no network hiccup.
    silent_after_s: float = 30 * 60
    # Below a quarter the bench will not last a cloudy night; the voltage is the fallback for
    # controllers that send no state of charge (11.8 V is about 20-30 % on a 12 V lead-acid battery).
    low_soc_pct: float = 25.0
    low_battery_v: float = 11.8
    # A bearer token for Prometheus; None: only logged-in maintainers and admins may read /metrics.
    metrics_token: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> FleetSettings:
        """SMART_BENCH_SILENT_MINUTES, SMART_BENCH_LOW_SOC_PCT, SMART_BENCH_LOW_BATTERY_V,
        SMART_BENCH_METRICS_TOKEN; unset or empty keeps the default."""
        defaults = cls()

        def number(name: str, default: float) -> float:
            value = environ.get(name, "").strip()
            return float(value) if value else default

        return cls(
            silent_after_s=number("SMART_BENCH_SILENT_MINUTES", defaults.silent_after_s / 60) * 60,
            low_soc_pct=number("SMART_BENCH_LOW_SOC_PCT", defaults.low_soc_pct),
            low_battery_v=number("SMART_BENCH_LOW_BATTERY_V", defaults.low_battery_v),
            metrics_token=environ.get("SMART_BENCH_METRICS_TOKEN", "").strip() or None,
        )
