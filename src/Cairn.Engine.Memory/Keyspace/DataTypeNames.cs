namespace Cairn.Engine.Memory.Keyspace;

/// <summary>The names TYPE and SCAN TYPE use.</summary>
public static class DataTypeNames
{
    public static string Of(object value) => value is byte[] ? "string" : Of(((DataObject)value).Type);

    public static string Of(DataType type) => type switch
    {
        DataType.String => "string",
        DataType.List => "list",
        DataType.Set => "set",
        DataType.SortedSet => "zset",
        DataType.Hash => "hash",
        DataType.Stream => "stream",
        DataType.TimeSeries => "TSDB-TYPE",
        DataType.Json => "ReJSON-RL",
        _ => "none",
    };

    public static DataType TypeOf(object value) => value is byte[] ? DataType.String : ((DataObject)value).Type;
}
