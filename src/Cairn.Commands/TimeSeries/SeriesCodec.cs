using System.Buffers;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Engine.Memory.Persistence;
using Cairn.TimeSeries.Serialization;
using Cairn.TimeSeries.Series;

namespace Cairn.Commands.TimeSeries;

/// <summary>
/// Snapshot codec for series (docs/formats/timeseries.md). Values are read without their key, so a loaded series carries an
/// empty key until <see cref="TimeSeriesRegistry.OnDataLoaded"/> sets it and indexes the labels.
/// </summary>
internal sealed class SeriesCodec : IValueCodec
{
    public DataType Type => DataType.TimeSeries;

    public static void Register() => ValueCodecs.Register(new SeriesCodec());

    public void Write(object value, IBufferWriter<byte> output) => output.Write(SeriesSerializer.Serialize(((SeriesObject)value).Series));

    public object Read(ReadOnlySpan<byte> data)
    {
        if (!SeriesSerializer.TryDeserialize(data, [], out TimeSeriesData? series, out string? error))
        {
            throw new InvalidDataException("bad time series value: " + error);
        }
        return new SeriesObject(series!);
    }
}
