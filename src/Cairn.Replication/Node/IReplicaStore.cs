namespace Cairn.Replication.Node;

/// <summary>
/// The data a replica holds, as the replication core sees it: opaque commands to run and key states to export and install.
/// Calls are synchronous and in memory (the core stays pure: the shell's implementation runs commands on the engine under
/// its lock; the simulator's is a dictionary). A key's state is an opaque payload; null means the key does not exist.
/// </summary>
public interface IReplicaStore
{
    /// <summary>Runs a command touching <paramref name="keys"/>; Changed says whether it modified any key.</summary>
    ExecuteResult Execute(byte[] command, IReadOnlyList<byte[]> keys, bool write);

    byte[]? Export(byte[] key);

    void Install(byte[] key, byte[]? payload);
}
