"""The Meldcode-wegwijzer: the flow as data (spec) and the engine that walks it (flow)."""
