"""Fakes of the platforms' servers on 127.0.0.1 (Telegram's Bot API, Discord's REST API,
gateway and CDN) and the faults they can inject: one support package for the end-to-end
tests, the soak and the benchmarks."""
