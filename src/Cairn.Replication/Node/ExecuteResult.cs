namespace Cairn.Replication.Node;

/// <summary>The reply a command produced (opaque bytes for the client) and whether it changed data.</summary>
public readonly record struct ExecuteResult(byte[] Reply, bool Changed);
