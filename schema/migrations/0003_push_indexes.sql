-- Every index on changes is written by every push, so each must earn its place. Nothing looks
-- changes up by device (the devices table keeps each device's last contact and what it had
-- pending), and the index cost a push about a twentieth of its time.
DROP INDEX changes_device;
