using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Server.Tests.Keys;

/// <summary>A stand-in container value (list, hash...) so TYPE, OBJECT ENCODING, SCAN TYPE and COPY can be tested alone.</summary>
internal sealed class TestCollection : DataObject
{
    private readonly DataType _type;
    private readonly string _encoding;

    public TestCollection(DataType type, string encoding, List<string> items)
    {
        _type = type;
        _encoding = encoding;
        Items = items;
    }

    public List<string> Items { get; }

    public override DataType Type => _type;

    public override string Encoding => _encoding;

    public override long MemoryUsageBytes => 64 + (16 * Items.Count);

    public override long Length => Items.Count;

    public override DataObject Clone() => new TestCollection(_type, _encoding, [.. Items]);
}
