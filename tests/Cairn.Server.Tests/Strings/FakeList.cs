using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Server.Tests.Strings;

/// <summary>A stand-in non-string value: string commands must answer WRONGTYPE against it.</summary>
internal sealed class FakeList : DataObject
{
    public override DataType Type => DataType.List;

    public override string Encoding => "listpack";

    public override long MemoryUsageBytes => 64;

    public override long Length => 1;

    public override DataObject Clone() => new FakeList();
}
