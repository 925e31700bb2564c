"""The platform-neutral bot core: events in, replies out; it knows no platform, no web library
and not the process shell (ferbot/) that runs it."""
