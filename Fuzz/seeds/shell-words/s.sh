k=kubectl; $k delete pod x
sudo -u r env -i PATH=/x timeout 5 sh -c 'kubectl --context x delete "$(echo y)"' | xargs -n1 rm -rf
cat <<EOF
x
EOF
