using System.Text;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Keys;

/// <summary>
/// Puts keys straight into a test server's keyspace under the store lock, so the keyspace commands can be tested
/// without the type commands; and reads engine state the same way. Replies are still asserted through real clients.
/// </summary>
internal static class KeyspaceSeeder
{
    public static void SetString(TestServer server, string key, string value, int database = 0, long expiresAtMilliseconds = 0) =>
        SetValue(server, Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value), database, expiresAtMilliseconds);

    public static void SetValue(TestServer server, byte[] key, object value, int database = 0, long expiresAtMilliseconds = 0)
    {
        MemoryStore store = server.Context.Store;
        using (store.Lock.EnterScope())
        {
            store[database].Set(key, value, expiresAtMilliseconds, keepTtl: false, store.NowMilliseconds);
        }
    }

    /// <summary>Adds string keys with a deadline <paramref name="ttlMilliseconds"/> from now (PEXPIRE set directly).</summary>
    public static void SetVolatileStrings(TestServer server, string prefix, int count, long ttlMilliseconds, int database = 0)
    {
        MemoryStore store = server.Context.Store;
        using (store.Lock.EnterScope())
        {
            long now = store.NowMilliseconds;
            for (int i = 0; i < count; i++)
            {
                store[database].Set(Encoding.UTF8.GetBytes(prefix + i), "v"u8.ToArray(), now + ttlMilliseconds, keepTtl: false, now);
            }
        }
    }

    public static T Read<T>(TestServer server, Func<MemoryStore, T> read)
    {
        MemoryStore store = server.Context.Store;
        using (store.Lock.EnterScope())
        {
            return read(store);
        }
    }

    /// <summary>The raw slot of a key without expiring it: true when the engine still holds the key.</summary>
    public static bool IsStored(TestServer server, string key, int database = 0) =>
        Read(server, store => store[database].FindRaw(Encoding.UTF8.GetBytes(key)) >= 0);

    public static object? ValueOf(TestServer server, string key, int database = 0) =>
        Read(server, store =>
        {
            int index = store[database].FindRaw(Encoding.UTF8.GetBytes(key));
            return index < 0 ? null : store[database].EntryAt(index).Value;
        });
}
