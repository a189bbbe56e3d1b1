using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Strings;

/// <summary>
/// One server for a test class, with helpers that reach into the keyspace under the store lock: planting a value of
/// another type (no other type's commands exist on this branch) and reading a key's deadline without TTL/PTTL.
/// </summary>
public sealed class StringsFixture : IDisposable
{
    public TestServer Server { get; } = new();

    /// <summary>Stores a non-string value at <paramref name="key"/> in db 0, for WRONGTYPE checks.</summary>
    public void PutList(string key)
    {
        MemoryStore store = Server.Context.Store;
        lock (store.Lock)
        {
            store[0].Set(System.Text.Encoding.UTF8.GetBytes(key), new FakeList(), 0, keepTtl: false, store.NowMilliseconds);
        }
    }

    /// <summary>The key's absolute deadline in Unix ms (0 = persistent), or null when the key is missing.</summary>
    public long? ExpiresAt(string key)
    {
        MemoryStore store = Server.Context.Store;
        lock (store.Lock)
        {
            int index = store[0].Find(System.Text.Encoding.UTF8.GetBytes(key), store.NowMilliseconds);
            return index < 0 ? null : store[0].ExpiresAt(index);
        }
    }

    public static long NowMilliseconds => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public void Dispose() => Server.Dispose();
}
