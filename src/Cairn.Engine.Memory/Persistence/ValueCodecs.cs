using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>The codec for each data type (strings built in; each type's folder registers its own at start-up).</summary>
public static class ValueCodecs
{
    private static readonly IValueCodec?[] s_codecs = new IValueCodec?[256];

    static ValueCodecs()
    {
        Register(new StringCodec());
        CollectionCodecs.RegisterAll();
    }

    public static void Register(IValueCodec codec) => s_codecs[(int)codec.Type] = codec;

    public static IValueCodec? For(DataType type) => s_codecs[(int)type];
}
