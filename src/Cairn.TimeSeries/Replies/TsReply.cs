using System.Text;

namespace Cairn.TimeSeries.Replies;

/// <summary>
/// A reply tree that the command layer writes as is (one recursive writer serves every TS.* command). Immutable.
/// Invariant: exactly the member matching <see cref="Kind"/> is meaningful.
/// </summary>
public sealed class TsReply
{
    private static readonly TsReply s_nil = new(TsReplyKind.Nil, 0, 0, null, null);
    private static readonly TsReply s_emptyArray = new(TsReplyKind.Array, 0, 0, null, []);

    private TsReply(TsReplyKind kind, long integer, double value, byte[]? bytes, IReadOnlyList<TsReply>? items)
    {
        Kind = kind;
        Integer = integer;
        Value = value;
        Bytes = bytes;
        Items = items;
    }

    public TsReplyKind Kind { get; }

    public long Integer { get; }

    public double Value { get; }

    /// <summary>The bytes of a bulk or simple string.</summary>
    public byte[]? Bytes { get; }

    public IReadOnlyList<TsReply>? Items { get; }

    public static TsReply Nil => s_nil;

    public static TsReply EmptyArray => s_emptyArray;

    public static TsReply FromInteger(long value) => new(TsReplyKind.Integer, value, 0, null, null);

    public static TsReply FromDouble(double value) => new(TsReplyKind.Double, 0, value, null, null);

    public static TsReply Bulk(byte[] value) => new(TsReplyKind.BulkString, 0, 0, value, null);

    public static TsReply Bulk(string value) => Bulk(Encoding.UTF8.GetBytes(value));

    public static TsReply BulkOrNil(string? value) => value is null ? s_nil : Bulk(value);

    public static TsReply Simple(string value) => new(TsReplyKind.SimpleString, 0, 0, Encoding.UTF8.GetBytes(value), null);

    public static TsReply Array(IReadOnlyList<TsReply> items) => new(TsReplyKind.Array, 0, 0, null, items);

    public static TsReply Map(IReadOnlyList<TsReply> alternatingKeysAndValues) =>
        new(TsReplyKind.Map, 0, 0, null, alternatingKeysAndValues);

    public static TsReply Set(IReadOnlyList<TsReply> items) => new(TsReplyKind.Set, 0, 0, null, items);

    public override string ToString() => Kind switch
    {
        TsReplyKind.Integer => Integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TsReplyKind.Double => ValueFormatter.Format(Value),
        TsReplyKind.BulkString or TsReplyKind.SimpleString => Encoding.UTF8.GetString(Bytes!),
        TsReplyKind.Nil => "(nil)",
        TsReplyKind.Map => "{" + string.Join(", ", Pairs(Items!)) + "}",
        _ => "[" + string.Join(", ", Items!) + "]",
    };

    private static IEnumerable<string> Pairs(IReadOnlyList<TsReply> items)
    {
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            yield return items[i] + ": " + items[i + 1];
        }
    }
}
