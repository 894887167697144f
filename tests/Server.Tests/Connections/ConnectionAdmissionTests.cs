using System.Net;
using IotSquares.Server.Connections;

namespace IotSquares.Server.Tests.Connections;

/// <summary>The connection limits: in total, per remote address, and slots given back.</summary>
public sealed class ConnectionAdmissionTests
{
    private static readonly IPAddress Pi = IPAddress.Parse("192.168.1.7");
    private static readonly IPAddress Laptop = IPAddress.Parse("192.168.1.20");

    [Fact]
    public void The_total_limit_refuses_the_next_connection_until_one_is_released()
    {
        var admission = new ConnectionAdmission(maxTotal: 2, maxPerAddress: 0);

        Assert.Equal(Admission.Admitted, admission.TryAdmit(Pi));
        Assert.Equal(Admission.Admitted, admission.TryAdmit(Laptop));
        Assert.Equal(Admission.ServerFull, admission.TryAdmit(Pi));
        Assert.Equal(2, admission.Total);

        admission.Release(Laptop);

        Assert.Equal(1, admission.Total);
        Assert.Equal(Admission.Admitted, admission.TryAdmit(Laptop));
    }

    [Fact]
    public void One_address_gets_its_share_and_others_still_get_in()
    {
        var admission = new ConnectionAdmission(maxTotal: 10, maxPerAddress: 2);

        Assert.Equal(Admission.Admitted, admission.TryAdmit(Pi));
        Assert.Equal(Admission.Admitted, admission.TryAdmit(Pi));
        Assert.Equal(Admission.AddressFull, admission.TryAdmit(Pi));
        Assert.Equal(Admission.Admitted, admission.TryAdmit(Laptop));

        // The refusal took nothing: two for the Pi, one for the laptop.
        Assert.Equal(3, admission.Total);
        admission.Release(Pi);
        Assert.Equal(Admission.Admitted, admission.TryAdmit(Pi));
    }

    [Fact]
    public void Without_a_per_address_limit_one_address_may_take_every_slot()
    {
        var admission = new ConnectionAdmission(maxTotal: 3, maxPerAddress: 0);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Admission.Admitted, admission.TryAdmit(Pi));
        }

        Assert.Equal(Admission.ServerFull, admission.TryAdmit(Pi));
    }

    [Fact]
    public void A_connection_without_a_known_address_counts_in_the_total_only()
    {
        var admission = new ConnectionAdmission(maxTotal: 3, maxPerAddress: 1);

        Assert.Equal(Admission.Admitted, admission.TryAdmit(null));
        Assert.Equal(Admission.Admitted, admission.TryAdmit(null));
        Assert.Equal(Admission.Admitted, admission.TryAdmit(Pi));
        Assert.Equal(Admission.ServerFull, admission.TryAdmit(null));

        admission.Release(null);
        Assert.Equal(Admission.AddressFull, admission.TryAdmit(Pi));
        Assert.Equal(2, admission.Total);
    }

    [Fact]
    public void An_address_released_to_zero_can_fill_its_share_again()
    {
        var admission = new ConnectionAdmission(maxTotal: 10, maxPerAddress: 1);
        for (int round = 0; round < 3; round++)
        {
            Assert.Equal(Admission.Admitted, admission.TryAdmit(Pi));
            Assert.Equal(Admission.AddressFull, admission.TryAdmit(Pi));
            admission.Release(Pi);
        }

        Assert.Equal(0, admission.Total);
    }

    [Fact]
    public async Task Many_threads_admitting_and_releasing_never_exceed_the_limits()
    {
        var admission = new ConnectionAdmission(maxTotal: 8, maxPerAddress: 3);
        IPAddress[] addresses = [Pi, Laptop, IPAddress.Parse("10.0.0.1"), IPAddress.Parse("::1")];
        int[] held = new int[addresses.Length];
        int inUse = 0;
        int overTotal = 0;
        int overAddress = 0;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(() =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                int a = (worker + i) % addresses.Length;
                if (admission.TryAdmit(addresses[a]) != Admission.Admitted)
                {
                    continue;
                }

                if (Interlocked.Increment(ref held[a]) > 3)
                {
                    Interlocked.Increment(ref overAddress);
                }

                // Counted here, not with admission.Total, which a refused attempt raises for an instant.
                if (Interlocked.Increment(ref inUse) > 8)
                {
                    Interlocked.Increment(ref overTotal);
                }

                Interlocked.Decrement(ref inUse);
                Interlocked.Decrement(ref held[a]);
                admission.Release(addresses[a]);
            }
        })));

        Assert.Equal(0, overAddress);
        Assert.Equal(0, overTotal);
        Assert.Equal(0, admission.Total);
    }
}
