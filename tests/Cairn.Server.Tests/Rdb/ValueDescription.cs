using System.Text;
using StackExchange.Redis;

namespace Cairn.Server.Tests.Rdb;

/// <summary>
/// A key's type and full contents as one comparable text (bytes as hex; hash fields and set members sorted), read with
/// plain commands, so a value in Redis and one in Cairn can be compared whatever their encodings.
/// </summary>
public static class ValueDescription
{
    public static string Of(IDatabase db, RedisKey key)
    {
        string type = db.Execute("TYPE", key).ToString();
        var text = new StringBuilder(type).Append(':');
        switch (type)
        {
            case "string":
                text.Append(Hex(db.Execute("GET", key)));
                break;
            case "list":
                foreach (RedisResult element in (RedisResult[])db.Execute("LRANGE", key, 0, -1)!)
                {
                    text.Append(Hex(element)).Append(',');
                }
                break;
            case "hash":
                RedisResult[] pairs = (RedisResult[])db.Execute("HGETALL", key)!;
                var fields = new List<string>();
                for (int i = 0; i < pairs.Length; i += 2)
                {
                    fields.Add(Hex(pairs[i]) + "=" + Hex(pairs[i + 1]));
                }
                fields.Sort(StringComparer.Ordinal);
                text.AppendJoin(',', fields);
                break;
            case "set":
                var members = new List<string>();
                foreach (RedisResult member in (RedisResult[])db.Execute("SMEMBERS", key)!)
                {
                    members.Add(Hex(member));
                }
                members.Sort(StringComparer.Ordinal);
                text.AppendJoin(',', members);
                break;
            case "zset":
                RedisResult[] entries = (RedisResult[])db.Execute("ZRANGE", key, 0, -1, "WITHSCORES")!;
                for (int i = 0; i < entries.Length; i += 2)
                {
                    text.Append(Hex(entries[i])).Append('=').Append(entries[i + 1].ToString()).Append(',');
                }
                break;
            case "stream":
                // Everything XINFO STREAM FULL shows (entries, counters, groups, PELs with delivery times and counts,
                // consumers with seen times) but the radix tree's shape, which depends on the encoding, not the value.
                Flatten(db.Execute("XINFO", "STREAM", key, "FULL", "COUNT", 0), text);
                text.Append("|groups:");
                Flatten(db.Execute("XINFO", "GROUPS", key), text);
                break;
            default:
                text.Append("(unexpected type)");
                break;
        }
        return text.ToString();
    }

    private static void Flatten(RedisResult result, StringBuilder text)
    {
        if (result.Resp2Type != ResultType.Array)
        {
            text.Append(result.IsNull ? "(nil)" : result.Resp2Type == ResultType.BulkString ? Hex(result) : result.ToString()).Append(',');
            return;
        }
        RedisResult[] items = (RedisResult[])result!;
        text.Append('[');
        for (int i = 0; i < items.Length; i++)
        {
            string? name = items[i].Resp2Type == ResultType.BulkString ? items[i].ToString() : null;
            if (name is "radix-tree-keys" or "radix-tree-nodes")
            {
                i++;
                continue;
            }
            Flatten(items[i], text);
        }
        text.Append(']');
    }

    private static string Hex(RedisResult result) => Convert.ToHexString((byte[])result!);
}
