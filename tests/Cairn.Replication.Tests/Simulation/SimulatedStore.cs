using Cairn.Primitives;
using Cairn.Replication.Node;

namespace Cairn.Replication.Tests.Simulation;

/// <summary>
/// A replica's data in the simulator: key -> value. Commands are "S" + value (set the single key) and "G" (get it);
/// replies are the value, or "(nil)". Survives a node's crash (it models a durable engine).
/// </summary>
internal sealed class SimulatedStore : IReplicaStore
{
    private readonly Dictionary<byte[], byte[]> _data = new(ByteArrayComparer.Instance);

    public IReadOnlyDictionary<byte[], byte[]> Data => _data;

    public static byte[] Set(string value) => [(byte)'S', .. System.Text.Encoding.UTF8.GetBytes(value)];

    public static byte[] Get() => [(byte)'G'];

    public ExecuteResult Execute(byte[] command, IReadOnlyList<byte[]> keys, bool write)
    {
        byte[] key = keys[0];
        if (command[0] == (byte)'S')
        {
            Invariant.Require(write, "set is a write");
            _data[key] = command[1..];
            return new ExecuteResult("OK"u8.ToArray(), true);
        }
        return new ExecuteResult(_data.TryGetValue(key, out byte[]? value) ? value : "(nil)"u8.ToArray(), false);
    }

    public byte[]? Export(byte[] key) => _data.TryGetValue(key, out byte[]? value) ? value : null;

    public void Install(byte[] key, byte[]? payload)
    {
        if (payload is null)
        {
            _data.Remove(key);
        }
        else
        {
            _data[key] = payload;
        }
    }
}
