// SPDX-License-Identifier: GPL-2.0
/*
 * pisquare_lab: the "hardware" of an emulated IotSquares Pi, for the virtual Pi lab only.
 *
 * - A plain-I2C adapter (numbered like the Pi's header bus, default i2c-1) on which the chosen
 *   addresses (the displays) acknowledge every transfer. Each write is recorded as it was put
 *   on the bus, one transfer per line, so that a decoder sees the same transactions a real
 *   SSD1306 or PCF8574 would (i2c-stub only speaks SMBus, which I2cDevice.Write cannot use).
 *   Nothing else answers: transfers to other addresses fail with EREMOTEIO (errno 121), like a
 *   real bus with nothing wired at that address.
 * - A GPIO chip (default 28 lines named GPIO0..GPIO27, like the BCM header) whose line changes
 *   are recorded with a timestamp, so the LED timeline is exact rather than sampled.
 *
 * Records are text in debugfs, <debugfs>/pisquare_lab/{i2c,gpio} (write anything to "clear"):
 *   i2c:  "<ns> <addr> w <hex bytes>"  or  "<ns> <addr> r <length>"
 *   gpio: "<ns> <line> <0|1>"           or  "<ns> <line> dir <in|out>"
 * with <ns> from the monotonic clock. When a log is full, further records are counted as lost.
 */
#include <linux/debugfs.h>
#include <linux/gpio/driver.h>
#include <linux/i2c.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#define LAB_NAME "pisquare_lab"
#define LAB_MAX_ADDRS 8
#define LAB_MAX_LINES 64

static int bus = 1;
module_param(bus, int, 0444);
MODULE_PARM_DESC(bus, "I2C bus number of the adapter (default 1, the Pi header bus)");

static unsigned short addrs[LAB_MAX_ADDRS] = { 0x3c, 0x27 };
static int n_addrs = 2;
module_param_array(addrs, ushort, &n_addrs, 0444);
MODULE_PARM_DESC(addrs, "7-bit addresses that acknowledge (default 0x3c,0x27)");

static int lines = 28;
module_param(lines, int, 0444);
MODULE_PARM_DESC(lines, "GPIO lines of the chip (default 28)");

static char *label = "pisquare-lab";
module_param(label, charp, 0444);
MODULE_PARM_DESC(label, "GPIO chip label");

static unsigned long log_kib = 16384;
module_param(log_kib, ulong, 0444);
MODULE_PARM_DESC(log_kib, "size of each record log in KiB (default 16384)");

struct lab_log {
	spinlock_t lock;
	char *buf;
	size_t size, used;
	unsigned long lost;
};

static struct lab_log i2c_log, gpio_log;
static struct platform_device *lab_pdev;
static struct i2c_adapter lab_adapter;
static struct gpio_chip lab_chip;
static unsigned long line_values, line_outputs;
static u8 last_written[128];
static struct dentry *lab_dir;
static const char **line_names;

static int log_init(struct lab_log *log)
{
	spin_lock_init(&log->lock);
	log->size = log_kib * 1024;
	log->buf = vmalloc(log->size);
	return log->buf ? 0 : -ENOMEM;
}

/* Appends one record; a record that does not fit whole is dropped and counted. */
static void log_put(struct lab_log *log, const char *text, size_t len)
{
	unsigned long flags;

	spin_lock_irqsave(&log->lock, flags);
	if (log->used + len <= log->size) {
		memcpy(log->buf + log->used, text, len);
		log->used += len;
	} else {
		log->lost++;
	}
	spin_unlock_irqrestore(&log->lock, flags);
}

static void log_lost(struct lab_log *log)
{
	unsigned long flags;

	spin_lock_irqsave(&log->lock, flags);
	log->lost++;
	spin_unlock_irqrestore(&log->lock, flags);
}

static void log_gpio(unsigned int line, const char *what)
{
	char text[64];
	int len = scnprintf(text, sizeof(text), "%llu %u %s\n", ktime_get_ns(), line, what);

	log_put(&gpio_log, text, len);
}

static bool answers(u16 addr)
{
	int i;

	for (i = 0; i < n_addrs; i++)
		if (addrs[i] == addr)
			return true;
	return false;
}

static void log_i2c_msg(const struct i2c_msg *msg)
{
	char *text;
	int len, i;
	/* "<20 digits> <2 hex> w " + 2 hex per byte + newline */
	size_t cap = 32 + 2 * (size_t)msg->len + 2;

	text = kmalloc(cap, GFP_KERNEL);
	if (!text) {
		log_lost(&i2c_log);
		return;
	}
	if (msg->flags & I2C_M_RD) {
		len = scnprintf(text, cap, "%llu %02x r %u\n", ktime_get_ns(), msg->addr, msg->len);
	} else {
		len = scnprintf(text, cap, "%llu %02x w ", ktime_get_ns(), msg->addr);
		for (i = 0; i < msg->len; i++)
			len += scnprintf(text + len, cap - len, "%02x", msg->buf[i]);
		len += scnprintf(text + len, cap - len, "\n");
	}
	log_put(&i2c_log, text, len);
	kfree(text);
}

static int lab_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	int i;

	for (i = 0; i < num; i++) {
		struct i2c_msg *msg = &msgs[i];

		if ((msg->flags & I2C_M_TEN) || !answers(msg->addr))
			return -EREMOTEIO;
		log_i2c_msg(msg);
		if (msg->flags & I2C_M_RD) {
			/* A PCF8574 reads back its port latch; an SSD1306 status read is harmless. */
			memset(msg->buf, last_written[msg->addr & 0x7f], msg->len);
		} else if (msg->len > 0) {
			last_written[msg->addr & 0x7f] = msg->buf[msg->len - 1];
		}
	}
	return num;
}

static u32 lab_functionality(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL;
}

static const struct i2c_algorithm lab_algorithm = {
	.master_xfer = lab_xfer,
	.functionality = lab_functionality,
};

static int lab_get(struct gpio_chip *chip, unsigned int offset)
{
	return test_bit(offset, &line_values);
}

static void lab_set(struct gpio_chip *chip, unsigned int offset, int value)
{
	bool old = test_bit(offset, &line_values);

	assign_bit(offset, &line_values, value);
	if (old != !!value)
		log_gpio(offset, value ? "1" : "0");
}

static int lab_direction_output(struct gpio_chip *chip, unsigned int offset, int value)
{
	if (!test_and_set_bit(offset, &line_outputs))
		log_gpio(offset, "dir out");
	lab_set(chip, offset, value);
	return 0;
}

static int lab_direction_input(struct gpio_chip *chip, unsigned int offset)
{
	if (test_and_clear_bit(offset, &line_outputs))
		log_gpio(offset, "dir in");
	return 0;
}

static int lab_get_direction(struct gpio_chip *chip, unsigned int offset)
{
	return test_bit(offset, &line_outputs) ? GPIO_LINE_DIRECTION_OUT : GPIO_LINE_DIRECTION_IN;
}

static ssize_t log_read(struct file *file, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct lab_log *log = file->private_data;
	size_t used;

	/* Records are only appended, so the part below "used" never changes while it is read. */
	spin_lock_irq(&log->lock);
	used = log->used;
	spin_unlock_irq(&log->lock);
	return simple_read_from_buffer(ubuf, count, ppos, log->buf, used);
}

static const struct file_operations log_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = log_read,
	.llseek = default_llseek,
};

static ssize_t clear_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos)
{
	struct lab_log *logs[] = { &i2c_log, &gpio_log };
	int i;

	for (i = 0; i < ARRAY_SIZE(logs); i++) {
		spin_lock_irq(&logs[i]->lock);
		logs[i]->used = 0;
		logs[i]->lost = 0;
		spin_unlock_irq(&logs[i]->lock);
	}
	return count;
}

static const struct file_operations clear_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = clear_write,
};

static int lab_add_gpio(void)
{
	int i;

	line_names = devm_kcalloc(&lab_pdev->dev, lines, sizeof(*line_names), GFP_KERNEL);
	if (!line_names)
		return -ENOMEM;
	for (i = 0; i < lines; i++) {
		line_names[i] = devm_kasprintf(&lab_pdev->dev, GFP_KERNEL, "GPIO%d", i);
		if (!line_names[i])
			return -ENOMEM;
	}
	lab_chip.label = label;
	lab_chip.parent = &lab_pdev->dev;
	lab_chip.owner = THIS_MODULE;
	lab_chip.base = -1;
	lab_chip.ngpio = lines;
	lab_chip.names = line_names;
	lab_chip.get = lab_get;
	lab_chip.set = lab_set;
	lab_chip.direction_input = lab_direction_input;
	lab_chip.direction_output = lab_direction_output;
	lab_chip.get_direction = lab_get_direction;
	return gpiochip_add_data(&lab_chip, NULL);
}

static int lab_add_i2c(void)
{
	lab_adapter.owner = THIS_MODULE;
	lab_adapter.class = I2C_CLASS_HWMON;
	lab_adapter.algo = &lab_algorithm;
	lab_adapter.nr = bus;
	lab_adapter.dev.parent = &lab_pdev->dev;
	strscpy(lab_adapter.name, "pisquare lab I2C", sizeof(lab_adapter.name));
	return i2c_add_numbered_adapter(&lab_adapter);
}

static void lab_free_logs(void)
{
	vfree(i2c_log.buf);
	vfree(gpio_log.buf);
}

static int __init lab_init(void)
{
	int err;

	if (lines < 1 || lines > LAB_MAX_LINES)
		return -EINVAL;
	err = log_init(&i2c_log);
	if (!err)
		err = log_init(&gpio_log);
	if (err)
		goto free_logs;
	lab_pdev = platform_device_register_simple(LAB_NAME, -1, NULL, 0);
	if (IS_ERR(lab_pdev)) {
		err = PTR_ERR(lab_pdev);
		goto free_logs;
	}
	err = lab_add_gpio();
	if (err)
		goto unregister;
	err = lab_add_i2c();
	if (err)
		goto remove_gpio;
	lab_dir = debugfs_create_dir(LAB_NAME, NULL);
	debugfs_create_file("i2c", 0400, lab_dir, &i2c_log, &log_fops);
	debugfs_create_file("gpio", 0400, lab_dir, &gpio_log, &log_fops);
	debugfs_create_file("clear", 0200, lab_dir, NULL, &clear_fops);
	debugfs_create_ulong("i2c_lost", 0400, lab_dir, &i2c_log.lost);
	debugfs_create_ulong("gpio_lost", 0400, lab_dir, &gpio_log.lost);
	pr_info(LAB_NAME ": i2c-%d answering %d address(es), gpio chip '%s' with %d lines\n",
		bus, n_addrs, label, lines);
	return 0;

remove_gpio:
	gpiochip_remove(&lab_chip);
unregister:
	platform_device_unregister(lab_pdev);
free_logs:
	lab_free_logs();
	return err;
}

static void __exit lab_exit(void)
{
	debugfs_remove_recursive(lab_dir);
	i2c_del_adapter(&lab_adapter);
	gpiochip_remove(&lab_chip);
	platform_device_unregister(lab_pdev);
	lab_free_logs();
}

module_init(lab_init);
module_exit(lab_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("IotSquares");
MODULE_DESCRIPTION("Recording I2C adapter and GPIO chip for the IotSquares virtual Pi lab");
