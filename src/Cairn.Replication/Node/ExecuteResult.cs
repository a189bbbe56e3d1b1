namespace Cairn.Replication.Node;

/// <summary>
/// The reply a command produced (opaque bytes for the client) and whether it changed data. A blocking command that found
/// nothing to serve returns its timeout reply with <see cref="RetryCommand"/> set (the command to run again when a key
/// changes) and <see cref="BlockTimeoutMilliseconds"/> (0 = forever). <see cref="ChangedKeys"/>, when given, says which of
/// the operation's keys the command changed (Redis's "touched": a source key of BITOP or SUNIONSTORE is not); null: every
/// key, when <see cref="Changed"/>.
/// </summary>
public readonly record struct ExecuteResult(byte[] Reply, bool Changed, byte[]? RetryCommand = null, long BlockTimeoutMilliseconds = 0,
    bool[]? ChangedKeys = null);
