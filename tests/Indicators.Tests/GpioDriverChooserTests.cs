using IotSquares.Indicators.Gpio;
using IotSquares.Indicators.Tests.Support;

namespace IotSquares.Indicators.Tests;

public sealed class GpioDriverChooserTests
{
    private static readonly Func<string, bool> Allowed = _ => true;

    public static TheoryData<string, int, string, LibgpiodVersion> Pis => new()
    {
        { "pi3-bookworm", 0, "pinctrl-bcm2835", LibgpiodVersion.V1 },
        { "pi3-trixie", 0, "pinctrl-bcm2835", LibgpiodVersion.V2 },
        { "pi4-bookworm", 0, "pinctrl-bcm2711", LibgpiodVersion.V1 },
        { "pi4-trixie", 0, "pinctrl-bcm2711", LibgpiodVersion.V2 },
        { "pi5-bookworm-old-kernel", 4, "pinctrl-rp1", LibgpiodVersion.V1 },
        { "pi5-bookworm", 0, "pinctrl-rp1", LibgpiodVersion.V1 },
        { "pi5-trixie", 0, "pinctrl-rp1", LibgpiodVersion.V2 },
    };

    [Theory]
    [MemberData(nameof(Pis))]
    public void Each_pi_gets_its_header_chip_by_label_and_the_driver_of_its_libgpiod(string board, int chip, string label, LibgpiodVersion driver)
    {
        using FakeBoard fake = Make(board);

        GpioChoice choice = GpioDriverChooser.Choose(new BoardProbe(fake.Root), null, GpioDriverKind.Auto, Allowed);

        Assert.Null(choice.Warning);
        Assert.True(choice.Usable);
        Assert.Equal(chip, choice.Chip!.Number);
        Assert.Equal(label, choice.Chip.Label);
        Assert.Equal(driver, choice.Driver);
    }

    [Fact]
    public void The_chip_count_and_lines_come_from_sysfs()
    {
        using FakeBoard fake = FakeBoard.Pi5(olderKernel: true, 2);

        var chips = new BoardProbe(fake.Root).Chips();

        Assert.Equal([0, 1, 2, 3, 4], chips.Select(c => c.Number));
        Assert.Equal(54, chips[4].Lines);
    }

    [Fact]
    public void An_emulated_board_is_not_a_pi_and_the_warning_lists_its_chips()
    {
        using FakeBoard fake = new FakeBoard("linux,dummy-virt").Chip(0, 512, "gpio-sim.0-node0", 8, "gpio-sim.0").Libgpiod(3);

        GpioChoice choice = GpioDriverChooser.Choose(new BoardProbe(fake.Root), null, GpioDriverKind.Auto, Allowed);

        Assert.False(choice.Usable);
        Assert.Contains("not a Raspberry Pi", choice.Warning);
        Assert.Contains("Hardware:Gpio:Chip", choice.Warning);
        Assert.Contains("gpio-sim.0-node0", choice.Warning);
    }

    [Theory]
    [InlineData("gpio-sim.0-node0")]
    [InlineData("1")]
    [InlineData("/dev/gpiochip1")]
    public void A_configured_chip_is_found_by_label_number_or_path(string configured)
    {
        using FakeBoard fake = new FakeBoard("linux,dummy-virt")
            .Chip(0, 512, "other", 4, "other.0").Chip(1, 600, "gpio-sim.0-node0", 8, "gpio-sim.0").Libgpiod(3);

        GpioChoice choice = GpioDriverChooser.Choose(new BoardProbe(fake.Root), configured, GpioDriverKind.Auto, Allowed);

        Assert.True(choice.Usable, choice.Warning);
        Assert.Equal(1, choice.Chip!.Number);
    }

    [Fact]
    public void A_configured_driver_wins_over_the_installed_library()
    {
        using FakeBoard fake = FakeBoard.Pi4(3);

        GpioChoice choice = GpioDriverChooser.Choose(new BoardProbe(fake.Root), null, GpioDriverKind.Libgpiod, Allowed);

        Assert.Equal(LibgpiodVersion.V1, choice.Driver);
    }

    [Fact]
    public void No_libgpiod_names_the_package_to_install()
    {
        using FakeBoard fake = new FakeBoard("Raspberry Pi 4 Model B Rev 1.5").Chip(0, 512, "pinctrl-bcm2711", 58, "fe200000.gpio");

        GpioChoice choice = GpioDriverChooser.Choose(new BoardProbe(fake.Root), null, GpioDriverKind.Auto, Allowed);

        Assert.False(choice.Usable);
        Assert.Contains("apt install libgpiod3", choice.Warning);
    }

    [Fact]
    public void A_chip_the_user_may_not_open_names_the_gpio_group()
    {
        using FakeBoard fake = FakeBoard.Pi4(2);

        GpioChoice choice = GpioDriverChooser.Choose(new BoardProbe(fake.Root), null, GpioDriverKind.Auto, _ => false);

        Assert.False(choice.Usable);
        Assert.Contains("gpio group", choice.Warning);
        Assert.Contains("/dev/gpiochip0", choice.Warning);
    }

    [Fact]
    public void A_pc_without_gpio_says_to_use_the_simulated_backend()
    {
        using FakeBoard fake = new(model: null);

        GpioChoice choice = GpioDriverChooser.Choose(new BoardProbe(fake.Root), null, GpioDriverKind.Auto, Allowed);

        Assert.Null(new BoardProbe(fake.Root).Model());
        Assert.Contains("Hardware:Backend=simulated", choice.Warning);
    }

    [Fact]
    public void Creating_the_driver_for_a_missing_library_is_a_warning_not_a_crash()
    {
        // On this test machine the chip does not exist: whatever libgpiod is (or is not) installed, the
        // factory must return a sentence rather than throw.
        var choice = new GpioChoice(new GpioChipEntry(57, "pinctrl-bcm2711", 58), LibgpiodVersion.V2, null);

        var controller = GpioControllerFactory.TryCreate(choice, out string? warning);

        Assert.Null(controller);
        Assert.False(string.IsNullOrWhiteSpace(warning));
    }

    private static FakeBoard Make(string board) => board switch
    {
        "pi3-bookworm" => FakeBoard.Pi3(2),
        "pi3-trixie" => FakeBoard.Pi3(3),
        "pi4-bookworm" => FakeBoard.Pi4(2),
        "pi4-trixie" => FakeBoard.Pi4(3),
        "pi5-bookworm-old-kernel" => FakeBoard.Pi5(olderKernel: true, 2),
        "pi5-bookworm" => FakeBoard.Pi5(olderKernel: false, 2),
        _ => FakeBoard.Pi5(olderKernel: false, 3),
    };
}
