using Cairn.Commands.Execution;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Protocol.Resp;

namespace Cairn.Commands.Keys;

/// <summary>OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP. Look-ups leave the access clock alone (LOOKUP_NOTOUCH).</summary>
internal static class ObjectCommands
{
    /// <summary>Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT.</summary>
    private const int EmbeddedStringLimitBytes = 44;

    /// <summary>The longest string Redis tries to encode as an integer.</summary>
    private const int IntegerStringLimitBytes = 20;

    private const uint LruClockMax = (1 << 24) - 1;

    private static readonly string[] s_help =
    [
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
    ];

    [Command("OBJECT|ENCODING")]
    public static void Encoding(CommandContext ctx)
    {
        if (Lookup(ctx) is not int index)
        {
            return;
        }
        ctx.Reply.WriteBulkString(EncodingOf(ref ctx.Database.EntryAt(index)));
    }

    /// <summary>OBJECT ENCODING's answer for a key's value: a string's as <see cref="StringEncoding"/>, except that a
    /// string held in its own array (built by APPEND, changed in place by SETRANGE...) is "raw" whatever it holds, as
    /// Redis leaves such values raw.</summary>
    public static string EncodingOf(ref KeyEntry entry)
    {
        if (entry.IsRawString)
        {
            return "raw";
        }
        object value = entry.Value;
        return value is byte[] bytes ? StringEncoding(bytes) : ((DataObject)value).Encoding;
    }

    /// <summary>
    /// What tryObjectEncoding would pick for these bytes: "int" for a canonical long of at most 20 characters, "embstr"
    /// up to 44 bytes, else "raw".
    /// </summary>
    public static string StringEncoding(ReadOnlySpan<byte> value)
    {
        if (value.Length <= IntegerStringLimitBytes && NumberFormat.TryParseInt64(value, out _))
        {
            return "int";
        }
        return value.Length <= EmbeddedStringLimitBytes ? "embstr" : "raw";
    }

    [Command("OBJECT|FREQ")]
    public static void Freq(CommandContext ctx)
    {
        if (Lookup(ctx) is not int index)
        {
            return;
        }
        if (!IsLfuPolicy(ctx))
        {
            ctx.Error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
            return;
        }
        ctx.Reply.WriteInteger(LfuDecayedCounter(ctx, ctx.Database.EntryAt(index).Access));
    }

    [Command("OBJECT|IDLETIME")]
    public static void IdleTime(CommandContext ctx)
    {
        if (Lookup(ctx) is not int index)
        {
            return;
        }
        if (IsLfuPolicy(ctx))
        {
            ctx.Error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
            return;
        }
        // estimateObjectIdleTime: the 24-bit LRU clock in seconds, wrapping.
        uint clock = ctx.Store.AccessClockNow();
        uint access = ctx.Database.EntryAt(index).Access & LruClockMax;
        long idleSeconds = clock >= access ? clock - access : clock + (LruClockMax - access);
        ctx.Reply.WriteInteger(idleSeconds);
    }

    /// <summary>Values are not shared between keys in Cairn, so the count is always 1.</summary>
    [Command("OBJECT|REFCOUNT")]
    public static void RefCount(CommandContext ctx)
    {
        if (Lookup(ctx) is null)
        {
            return;
        }
        ctx.Reply.WriteInteger(1);
    }

    [Command("OBJECT|HELP")]
    public static void Help(CommandContext ctx) => HelpText.Write(ctx, "OBJECT", s_help);

    /// <summary>The key's slot, or null after writing the null reply (objectCommandLookupOrReply).</summary>
    private static int? Lookup(CommandContext ctx)
    {
        int index = KeyLookup.ReadNoTouch(ctx, ctx.Arg(2), notifyMiss: false);
        if (index < 0)
        {
            ctx.Reply.WriteNull();
            return null;
        }
        return index;
    }

    private static bool IsLfuPolicy(CommandContext ctx) =>
        ctx.Server.Config.MaxMemoryPolicy is "volatile-lfu" or "allkeys-lfu";

    /// <summary>
    /// LFUDecrAndReturn: under an LFU policy the access field holds minutes (16 bits) above an 8-bit logarithmic counter;
    /// the counter decays by one per lfu-decay-time minutes elapsed.
    /// </summary>
    private static long LfuDecayedCounter(CommandContext ctx, uint access)
    {
        long lastDecrementMinutes = (access >> 8) & 0xFFFF;
        long counter = access & 0xFF;
        long nowMinutes = (ctx.Now / 1000 / 60) & 0xFFFF;
        long elapsed = nowMinutes >= lastDecrementMinutes ? nowMinutes - lastDecrementMinutes : 0xFFFF - lastDecrementMinutes + nowMinutes;
        int decayMinutes = ctx.Server.Config.LfuDecayTimeMinutes;
        long periods = decayMinutes > 0 ? elapsed / decayMinutes : 0;
        return periods > counter ? 0 : counter - periods;
    }
}
