namespace Cairn.Commands.Specs;

/// <summary>Command flags, as COMMAND INFO reports them (names in <see cref="CommandSpec.FlagNames"/>).</summary>
[Flags]
public enum CommandFlags
{
    None = 0,
    Write = 1 << 0,
    ReadOnly = 1 << 1,
    DenyOom = 1 << 2,
    Admin = 1 << 3,
    PubSub = 1 << 4,
    NoScript = 1 << 5,
    Blocking = 1 << 6,
    Loading = 1 << 7,
    Stale = 1 << 8,
    SkipMonitor = 1 << 9,
    SkipSlowlog = 1 << 10,
    Fast = 1 << 11,
    NoAuth = 1 << 12,
    MayReplicate = 1 << 13,
    AllowBusy = 1 << 14,
    MovableKeys = 1 << 15,
    NoMulti = 1 << 16,
    /// <summary>Allowed in a RESP2 connection in subscribed state (PING, QUIT, RESET and the subscribe family).</summary>
    AllowedInSubscribe = 1 << 17,
}
