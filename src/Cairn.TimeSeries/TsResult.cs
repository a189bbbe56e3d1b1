using System.Diagnostics.CodeAnalysis;

namespace Cairn.TimeSeries;

/// <summary>Either a value or an error reply (a full RESP error text such as "ERR TSDB: the key does not exist").</summary>
public readonly struct TsResult<T>
{
    private TsResult(T? value, string? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Error))]
    [MemberNotNullWhen(false, nameof(Value))]
    public bool IsError => Error is not null;

    public static TsResult<T> Ok(T value) => new(value, null);

    public static TsResult<T> Fail(string error) => new(default, error);

    public static implicit operator TsResult<T>(T value) => Ok(value);
}
